package io.softcifar.ml.model;

import io.softcifar.contracts.spec.RunSpec;
import io.softcifar.ml.model.basic.BasicHead;
import io.softcifar.ml.model.dropout.DropoutHead;
import io.softcifar.ml.model.duq.DuqHead;
import io.softcifar.ml.model.sngp.SngpHead;
import java.util.function.BiFunction;

/**
 * The catalogue of uncertainty methods (PROTOCOL.md, "Uncertainty methods"): each entry maps the method's name to
 * its settings ({@link MethodConfig}, with the protocol's defaults) and to its {@link UncertaintyHead}. Adding a
 * method = its package with the head, its config record (next to {@link MethodConfig}, which lists it), and one
 * entry here; see CONTRIBUTING.md, "How to add a method".
 *
 * <p>The names are those of contracts' {@link RunSpec#METHODS}, the list a run request is validated against (contracts
 * cannot see this module); {@code MethodCatalogueTest} checks that the two lists hold the same names in the same order.
 */
public enum Method {
    BASIC(RunSpec.METHOD_BASIC, BasicConfig.class, BasicConfig.DEFAULTS, BasicHead::new),
    DROPOUT(RunSpec.METHOD_DROPOUT, DropoutConfig.class, DropoutConfig.DEFAULTS, DropoutHead::new),
    SNGP(RunSpec.METHOD_SNGP, SngpConfig.class, SngpConfig.DEFAULTS, SngpHead::new),
    DUQ(RunSpec.METHOD_DUQ, DuqConfig.class, DuqConfig.DEFAULTS, DuqHead::new);

    private final String id;
    private final Class<? extends MethodConfig> configType;
    // The defaults are records of numbers (immutable), and heads is a stateless constructor reference; neither carries
    // Error Prone's @Immutable only because the project does not depend on its annotations.
    @SuppressWarnings("ImmutableEnumChecker")
    private final MethodConfig defaults;

    @SuppressWarnings("ImmutableEnumChecker") // stateless lambda over a constructor reference, see above
    private final BiFunction<MethodConfig, HeadContext, UncertaintyHead> heads;

    <C extends MethodConfig> Method(
            String id, Class<C> configType, C defaults, BiFunction<C, HeadContext, UncertaintyHead> heads) {
        this.id = id;
        this.configType = configType;
        this.defaults = defaults;
        this.heads = (config, context) -> heads.apply(configType.cast(config), context);
    }

    public String id() {
        return id;
    }

    /** The protocol's settings of this method. */
    public MethodConfig defaults() {
        return defaults;
    }

    /** The record type of this method's settings. */
    public Class<? extends MethodConfig> configType() {
        return configType;
    }

    /** Builds the method's head for one network; {@code config} must be this method's. */
    public UncertaintyHead newHead(MethodConfig config, HeadContext context) {
        if (!configType.isInstance(config)) {
            throw new IllegalArgumentException("method " + id + ": needs a " + configType.getSimpleName() + ", got "
                    + (config == null ? "null" : config.getClass().getSimpleName()));
        }
        return heads.apply(config, context);
    }

    public static Method parse(String text) {
        return EnumIds.parse(values(), Method::id, text, "unknown method ");
    }
}
