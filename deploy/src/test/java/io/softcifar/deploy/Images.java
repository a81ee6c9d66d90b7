package io.softcifar.deploy;

/** Image references: pinned means an explicit tag other than "latest", or a digest. */
final class Images {

    private Images() {}

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

    /** A tag and a sha256 digest: {@code name:tag@sha256:<64 hex>}. */
    static boolean hasDigest(String image) {
        return image != null && image.matches("[^@\\s]+:[A-Za-z0-9._-]+@sha256:[0-9a-f]{64}");
    }

    static String tag(String image) {
        int at = image.indexOf('@');
        if (at >= 0) {
            image = image.substring(0, at);
        }
        String lastPart = image.substring(image.lastIndexOf('/') + 1);
        int colon = lastPart.indexOf(':');
        return colon < 0 ? "" : lastPart.substring(colon + 1);
    }
}
