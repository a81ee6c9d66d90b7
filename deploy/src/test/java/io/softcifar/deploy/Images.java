package io.softcifar.deploy;

/** Image references: pinned means an explicit tag other than "latest", or a digest. */
final class Images {

    private Images() {
    }

    static boolean isPinned(String image) {
        if (image == null || image.isBlank() || image.contains("${")) {
            return false;
        }
        if (image.contains("@sha256:")) {
            return true;
        }
        String lastPart = image.substring(image.lastIndexOf('/') + 1); // a registry port is not a tag
        int colon = lastPart.indexOf(':');
        if (colon < 0) {
            return false;
        }
        String tag = lastPart.substring(colon + 1);
        return !tag.isEmpty() && !tag.equalsIgnoreCase("latest");
    }

    static String tag(String image) {
        String lastPart = image.substring(image.lastIndexOf('/') + 1);
        int colon = lastPart.indexOf(':');
        return colon < 0 ? "" : lastPart.substring(colon + 1);
    }
}
