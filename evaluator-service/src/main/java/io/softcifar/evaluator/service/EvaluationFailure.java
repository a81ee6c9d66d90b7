package io.softcifar.evaluator.service;

/**
 * Why a run could not be evaluated, in one line a user can act on. {@code badInput}: the event or what it points to
 * is wrong (checkpoint corrupt or missing, dataset or shard missing or corrupt) and a retry of the same event cannot
 * succeed, so the record also goes to the dead-letter topic; otherwise the service or its infrastructure failed.
 */
public class EvaluationFailure extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final boolean badInput;

    EvaluationFailure(String reason, boolean badInput, Throwable cause) {
        super(oneLine(reason), cause);
        this.badInput = badInput;
    }

    static EvaluationFailure badInput(String reason) {
        return new EvaluationFailure(reason, true, null);
    }

    static EvaluationFailure badInput(String reason, Throwable cause) {
        return new EvaluationFailure(reason, true, cause);
    }

    public boolean badInput() {
        return badInput;
    }

    private static String oneLine(String s) {
        String text = s == null ? "unknown error" : s.strip();
        int nl = text.indexOf('\n');
        return nl < 0 ? text : text.substring(0, nl).strip();
    }
}
