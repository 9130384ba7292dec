package io.cohort.billing.ledger;

/** Names of ledger accounts, as {@code LedgerEntry.account} carries them. */
public final class Accounts {

  /** The platform's account. */
  public static final String PLATFORM = "platform";

  private Accounts() {}

  /** A consumer's account: what it owes (negative) or is owed. */
  public static String consumer(String consumerId) {
    return "consumer:" + consumerId;
  }

  /** A consumer's prepaid account: subscription fees paid and not yet drawn down. */
  public static String prepaid(String consumerId) {
    return "prepaid:" + consumerId;
  }

  /** A data owner's account: royalties earned. */
  public static String owner(String ownerId) {
    return "owner:" + ownerId;
  }

  /** True for a well-formed account name. */
  public static boolean isValid(String account) {
    if (account.equals(PLATFORM)) {
      return true;
    }
    int colon = account.indexOf(':');
    if (colon <= 0 || colon == account.length() - 1) {
      return false;
    }
    String kind = account.substring(0, colon);
    return kind.equals("consumer") || kind.equals("prepaid") || kind.equals("owner");
  }
}
