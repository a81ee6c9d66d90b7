package io.softcifar.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** The check of an option that names a folder, with the one-line message every command gives. */
public final class Folders {

    private Folders() {}

    /** {@code folder}, or an error naming {@code option} when it is not a folder. */
    public static Path require(String option, Path folder) {
        if (!Files.isDirectory(folder)) {
            throw new IllegalArgumentException(option + ": " + folder + " is not a folder");
        }
        return folder;
    }
}
