package io.github.flowisesso.flowise;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Hands the one {@link FlowiseStack} of this test JVM to tests; JUnit closes it when the run ends. Without real
 * Flowise and Apache the tests are skipped, unless {@code -Dflowise.required=true}, where they fail.
 */
final class FlowiseStackExtension implements ParameterResolver, ExecutionCondition {

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        return io.github.flowisesso.testsupport.FlowiseLastHop.installed() || Boolean.getBoolean("flowise.required")
            ? ConditionEvaluationResult.enabled("real Flowise installed, or required")
            : ConditionEvaluationResult.disabled("real Flowise (flowise/install) and Apache with mod_auth_openidc are not installed");
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == FlowiseStack.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        FlowiseStack.assumeInstalled();
        return context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
            .getOrComputeIfAbsent(FlowiseStack.class, key -> {
                try {
                    return new FlowiseStack();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, FlowiseStack.class);
    }
}
