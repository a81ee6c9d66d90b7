package io.softcifar.storage;

/** The key does not exist in the bucket. Catch this one to treat "not there (yet)" apart from real failures. */
public class NoSuchObjectException extends ObjectStoreException {

    private final String key;

    public NoSuchObjectException(String key, String message, Throwable cause) {
        super(message, cause);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
