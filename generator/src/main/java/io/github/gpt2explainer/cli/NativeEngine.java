package io.github.gpt2explainer.cli;

/**
 * DJL settings that must be in place before any DJL class loads: never download anything (the
 * PyTorch native library and its JNI bridge are on the classpath), and keep the engine's CUDA
 * probing and start-up chatter out of the console unless the user asked for {@code -v}.
 */
final class NativeEngine {
    private NativeEngine() {
    }

    static void configureOffline() {
        System.setProperty("ai.djl.offline", "true");
        setIfAbsent("org.slf4j.simpleLogger.log.ai.djl", "error");
    }

    /** Lets DJL's informational logging through (called for -v, before the engine starts). */
    static void verboseLogging() {
        System.setProperty("org.slf4j.simpleLogger.log.ai.djl", "info");
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "info");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
