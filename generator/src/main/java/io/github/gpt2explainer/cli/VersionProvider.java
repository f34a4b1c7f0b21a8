package io.github.gpt2explainer.cli;

import io.github.gpt2explainer.build.SiteBuild;
import picocli.CommandLine.IVersionProvider;

/** The version comes from the jar manifest (Implementation-Version), set by Maven. */
final class VersionProvider implements IVersionProvider {
    static String version() {
        return SiteBuild.toolVersion();
    }

    @Override
    public String[] getVersion() {
        return new String[] {"gpt2-explainer " + version()};
    }
}
