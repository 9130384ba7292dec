package io.cohort.billing.cli;

import io.cohort.billing.ledger.Accounts;

/** Checks an ACCOUNT argument and says how to write one. */
final class AccountArgument {

  private AccountArgument() {}

  static boolean check(String account) {
    if (Accounts.isValid(account)) {
      return true;
    }
    System.err.println("not an account: '" + account + "'; use consumer:<id>, owner:<id>, "
        + "prepaid:<id> or platform");
    return false;
  }
}
