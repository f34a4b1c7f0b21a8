package io.github.gpt2explainer.cli;

import picocli.CommandLine.IVersionProvider;

/** The version comes from the jar manifest (Implementation-Version), set by Maven. */
final class VersionProvider implements IVersionProvider {
    static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "development build" : v;
    }

    @Override
    public String[] getVersion() {
        return new String[] {"gpt2-explainer " + version()};
    }
}
