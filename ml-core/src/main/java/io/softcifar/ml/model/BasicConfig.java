package io.softcifar.ml.model;

/** The basic softmax network: no settings of its own. */
public record BasicConfig() implements MethodConfig {

    public static final BasicConfig DEFAULTS = new BasicConfig();

    @Override
    public Method method() {
        return Method.BASIC;
    }
}
