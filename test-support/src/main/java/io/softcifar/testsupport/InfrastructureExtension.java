package io.softcifar.testsupport;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives tests the shared {@link TestInfrastructure} as a parameter (constructor, lifecycle or test method). Use it
 * through {@link WithInfrastructure}.
 *
 * <p>The infrastructure is started before the first test of the class, so its start-up time and a start-up failure
 * are reported for the class instead of for whichever test happened to run first.
 */
public final class InfrastructureExtension implements BeforeAllCallback, ParameterResolver {

    @Override
    public void beforeAll(ExtensionContext context) {
        TestInfrastructure.get();
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == TestInfrastructure.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return TestInfrastructure.get();
    }
}
