package io.cohort.model.djl;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the DJL engine the way every Cohort JVM must: offline (DJL never downloads anything),
 * without telemetry, with the configured thread counts, on the configured device.
 *
 * <p>Thread counts and the cache directory are read by DJL once, when the engine starts, so they
 * are fixed for the life of the process: call {@link #start} before anything else touches DJL. The
 * device is chosen per runtime and may differ between calls.
 */
public final class DjlRuntime {

  public static final String ENGINE = "PyTorch";
  public static final List<String> DEVICES = List.of("auto", "cpu", "gpu");

  static final String OFFLINE_PROPERTY = "ai.djl.offline";
  static final String OFFLINE_ENV = "DJL_OFFLINE";
  static final String TRACKING_OPT_OUT = "OPT_OUT_TRACKING";
  static final String CACHE_DIR = "DJL_CACHE_DIR";
  static final String INTRA_OP_THREADS = "ai.djl.pytorch.num_threads";
  static final String INTER_OP_THREADS = "ai.djl.pytorch.num_interop_threads";

  private static final Logger log = LoggerFactory.getLogger(DjlRuntime.class);
  private static Settings processSettings; // what the engine started with; guarded by the class

  /**
   * How to run the engine.
   *
   * @param device {@code auto} (a GPU when the engine reports one, else the CPU), {@code cpu} or
   *     {@code gpu} (fails when the engine sees no GPU)
   * @param intraOpThreads threads inside one operator; 0 leaves the engine's default
   * @param interOpThreads threads running independent operators; 0 leaves the engine's default
   * @param cacheDir where DJL unpacks its native libraries; null leaves {@code DJL_CACHE_DIR} as
   *     the environment or system properties set it
   */
  public record Settings(String device, int intraOpThreads, int interOpThreads, Path cacheDir) {

    public Settings {
      Objects.requireNonNull(device, "device");
      device = device.trim().toLowerCase(Locale.ROOT);
      if (!DEVICES.contains(device)) {
        throw new IllegalArgumentException("unknown device '" + device + "': use one of "
            + DEVICES);
      }
      if (intraOpThreads < 0 || interOpThreads < 0) {
        throw new IllegalArgumentException("thread counts must be 0 (engine default) or positive,"
            + " got " + intraOpThreads + " intra-op and " + interOpThreads + " inter-op");
      }
    }

    /** Automatic device, one thread of each kind (the steadiest on small shared machines). */
    public static Settings defaults() {
      return new Settings("auto", 1, 1, null);
    }

    public Settings withDevice(String newDevice) {
      return new Settings(newDevice, intraOpThreads, interOpThreads, cacheDir);
    }

    boolean sameProcessSettings(Settings other) {
      return intraOpThreads == other.intraOpThreads && interOpThreads == other.interOpThreads
          && Objects.equals(cacheDir, other.cacheDir);
    }
  }

  private final Engine engine;
  private final Device device;

  private DjlRuntime(Engine engine, Device device) {
    this.engine = engine;
    this.device = device;
  }

  /**
   * Enforces offline mode and the opt-out of telemetry, applies the thread counts and cache dir
   * (first call only), starts the engine and selects the device.
   *
   * @throws IllegalStateException if the environment asks DJL to go online or to send telemetry,
   *     if a later call asks for other thread counts or cache dir than the engine started with, or
   *     if {@code gpu} is requested and the engine sees no GPU
   */
  public static synchronized DjlRuntime start(Settings settings) {
    if (processSettings == null) {
      enforceOffline(System.getenv(), System.getProperties());
      applyProcessSettings(settings, System.getenv(), System.getProperties());
    } else if (!processSettings.sameProcessSettings(settings)) {
      throw new IllegalStateException("the DJL engine already started in this process with "
          + describe(processSettings) + "; thread counts and cache dir cannot change to "
          + describe(settings) + " without a restart");
    }
    Engine engine = Engine.getEngine(ENGINE);
    if (processSettings == null) {
      processSettings = settings;
      log.info("DJL engine {} {} started offline ({})", engine.getEngineName(), engine.getVersion(),
          describe(settings));
    }
    Device device = selectDevice(settings.device(), engine.getGpuCount());
    return new DjlRuntime(engine, device);
  }

  public Engine engine() {
    return engine;
  }

  public Device device() {
    return device;
  }

  /** A new root manager on this runtime's device; the caller closes it. */
  public NDManager newManager() {
    return engine.newBaseManager(device);
  }

  /**
   * Sets {@code ai.djl.offline} and {@code OPT_OUT_TRACKING} to true, refusing when the
   * environment explicitly says otherwise (DJL reads the environment before system properties, so
   * a property cannot override it).
   */
  static void enforceOffline(Map<String, String> env, Properties properties) {
    String offline = env.getOrDefault(OFFLINE_ENV, properties.getProperty(OFFLINE_PROPERTY));
    if (offline != null && !Boolean.parseBoolean(offline)) {
      String where = env.containsKey(OFFLINE_ENV)
          ? "environment variable " + OFFLINE_ENV : "system property " + OFFLINE_PROPERTY;
      throw new IllegalStateException(where + " is '" + offline + "', but Cohort never lets DJL"
          + " download models or native libraries: remove it or set it to true");
    }
    String tracking = env.get(TRACKING_OPT_OUT);
    if (tracking != null && !Boolean.parseBoolean(tracking)) {
      throw new IllegalStateException("environment variable " + TRACKING_OPT_OUT + " is '"
          + tracking + "', but Cohort never lets DJL send telemetry: remove it or set it to true");
    }
    String trackingProperty = properties.getProperty(TRACKING_OPT_OUT);
    if (tracking == null && trackingProperty != null && !Boolean.parseBoolean(trackingProperty)) {
      throw new IllegalStateException("system property " + TRACKING_OPT_OUT + " is '"
          + trackingProperty + "', but Cohort never lets DJL send telemetry: remove it or set it"
          + " to true");
    }
    properties.setProperty(OFFLINE_PROPERTY, "true");
    properties.setProperty(TRACKING_OPT_OUT, "true");
  }

  static void applyProcessSettings(Settings settings, Map<String, String> env,
      Properties properties) {
    if (settings.intraOpThreads() > 0) {
      properties.setProperty(INTRA_OP_THREADS, Integer.toString(settings.intraOpThreads()));
    }
    if (settings.interOpThreads() > 0) {
      properties.setProperty(INTER_OP_THREADS, Integer.toString(settings.interOpThreads()));
    }
    if (settings.cacheDir() != null) {
      String cacheDir = settings.cacheDir().toAbsolutePath().toString();
      String fromEnv = env.get(CACHE_DIR);
      if (fromEnv != null && !Path.of(fromEnv).toAbsolutePath().toString().equals(cacheDir)) {
        throw new IllegalStateException("environment variable " + CACHE_DIR + " is '" + fromEnv
            + "', which DJL prefers over the configured cache dir '" + cacheDir
            + "': unset one of them");
      }
      properties.setProperty(CACHE_DIR, cacheDir);
    }
  }

  /** The device for a setting, given how many GPUs the engine reports. */
  static Device selectDevice(String choice, int gpuCount) {
    return switch (choice) {
      case "cpu" -> Device.cpu();
      case "auto" -> gpuCount > 0 ? Device.gpu() : Device.cpu();
      case "gpu" -> {
        if (gpuCount == 0) {
          throw new IllegalStateException("device 'gpu' was requested, but the " + ENGINE
              + " engine sees no GPU (a CPU-only native library, or no CUDA device): use 'auto'"
              + " or 'cpu'");
        }
        yield Device.gpu();
      }
      default -> throw new IllegalArgumentException("unknown device '" + choice + "': use one of "
          + DEVICES);
    };
  }

  private static String describe(Settings s) {
    return "intra-op threads " + threads(s.intraOpThreads()) + ", inter-op threads "
        + threads(s.interOpThreads()) + ", cache dir "
        + (s.cacheDir() == null ? "from environment" : s.cacheDir());
  }

  private static String threads(int n) {
    return n == 0 ? "default" : Integer.toString(n);
  }
}
