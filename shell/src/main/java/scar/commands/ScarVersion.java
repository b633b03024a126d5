package scar.commands;

import picocli.CommandLine;

public final class ScarVersion implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String version = ScarVersion.class.getPackage().getImplementationVersion();
        return new String[]{"scar " + (version == null ? "dev" : version)};
    }
}
