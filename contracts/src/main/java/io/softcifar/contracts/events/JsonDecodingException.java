package io.softcifar.contracts.events;

/**
 * JSON that cannot be read as the expected contract type. The message is one line naming the problem and the
 * offending field or value ("DatasetManifest: missing field seeds[0].trainMean"), fit for a log or an API error.
 */
public class JsonDecodingException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public JsonDecodingException(String message) {
        super(message);
    }

    public JsonDecodingException(String message, Throwable cause) {
        super(message, cause);
    }
}
