package io.cohort.model.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class DjlRuntimeTest {

  @Test
  void autoUsesAGpuOnlyWhenTheEngineReportsOne() {
    assertThat(DjlRuntime.selectDevice("auto", 0)).isEqualTo(Device.cpu());
    assertThat(DjlRuntime.selectDevice("auto", 2)).isEqualTo(Device.gpu());
    assertThat(DjlRuntime.selectDevice("cpu", 2)).isEqualTo(Device.cpu());
    assertThat(DjlRuntime.selectDevice("gpu", 1)).isEqualTo(Device.gpu());
  }

  @Test
  void gpuWithoutAGpuIsAClearError() {
    assertThatThrownBy(() -> DjlRuntime.selectDevice("gpu", 0))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("device 'gpu' was requested")
        .hasMessageContaining("use 'auto' or 'cpu'");
  }

  @Test
  void unknownDeviceSettingIsRefused() {
    assertThatThrownBy(() -> new DjlRuntime.Settings("tpu", 1, 1, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown device 'tpu'");
    assertThat(new DjlRuntime.Settings(" GPU ", 1, 1, null).device()).isEqualTo("gpu");
  }

  @Test
  void offlineAndTrackingOptOutAreSetWhenAbsent() {
    Properties properties = new Properties();

    DjlRuntime.enforceOffline(Map.of(), properties);

    assertThat(properties.getProperty("ai.djl.offline")).isEqualTo("true");
    assertThat(properties.getProperty("OPT_OUT_TRACKING")).isEqualTo("true");
  }

  @Test
  void anEnvironmentThatTurnsOfflineModeOffIsRefused() {
    assertThatThrownBy(() -> DjlRuntime.enforceOffline(Map.of("DJL_OFFLINE", "false"),
        new Properties()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("environment variable DJL_OFFLINE is 'false'");
    Properties online = new Properties();
    online.setProperty("ai.djl.offline", "false");
    assertThatThrownBy(() -> DjlRuntime.enforceOffline(Map.of(), online))
        .hasMessageContaining("system property ai.djl.offline is 'false'");
  }

  @Test
  void anEnvironmentThatAllowsTelemetryIsRefused() {
    assertThatThrownBy(() -> DjlRuntime.enforceOffline(Map.of("OPT_OUT_TRACKING", "false"),
        new Properties()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("OPT_OUT_TRACKING is 'false'");
  }

  @Test
  void threadCountsAndCacheDirBecomeEngineProperties() {
    Properties properties = new Properties();

    DjlRuntime.applyProcessSettings(new DjlRuntime.Settings("cpu", 2, 1, Path.of("/tmp/djl")),
        Map.of(), properties);

    assertThat(properties.getProperty("ai.djl.pytorch.num_threads")).isEqualTo("2");
    assertThat(properties.getProperty("ai.djl.pytorch.num_interop_threads")).isEqualTo("1");
    assertThat(properties.getProperty("DJL_CACHE_DIR")).isEqualTo("/tmp/djl");
  }

  @Test
  void aCacheDirThatTheEnvironmentOverridesIsRefused() {
    assertThatThrownBy(() -> DjlRuntime.applyProcessSettings(
        new DjlRuntime.Settings("cpu", 1, 1, Path.of("/tmp/djl")),
        Map.of("DJL_CACHE_DIR", "/elsewhere"), new Properties()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("DJL_CACHE_DIR is '/elsewhere'");
  }

  @Test
  void startRunsOfflineOnTheCpuHere() {
    DjlRuntime runtime = DjlRuntime.start(DjlRuntime.Settings.defaults());

    assertThat(runtime.engine().getEngineName()).isEqualTo("PyTorch");
    assertThat(runtime.device()).isEqualTo(Device.cpu());
    assertThat(System.getProperty("ai.djl.offline")).isEqualTo("true");
    assertThat(System.getProperty("OPT_OUT_TRACKING")).isEqualTo("true");
  }

  @Test
  void aLaterStartCannotChangeThreadCounts() {
    DjlRuntime.start(DjlRuntime.Settings.defaults());

    assertThat(DjlRuntime.start(DjlRuntime.Settings.defaults().withDevice("cpu")).device())
        .isEqualTo(Device.cpu());
    assertThatThrownBy(() -> DjlRuntime.start(new DjlRuntime.Settings("auto", 2, 1, null)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already started");
  }
}
