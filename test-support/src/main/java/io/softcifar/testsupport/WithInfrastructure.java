package io.softcifar.testsupport;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a JUnit 5 test class that talks to the real Kafka broker and S3 server: parameters of type
 * {@link TestInfrastructure} are filled in, and the servers are running before the first test.
 *
 * <pre>{@code
 * @WithInfrastructure
 * class UploadIT {
 *     @Test
 *     void uploads(TestInfrastructure infra) { ... infra.s3Endpoint() ... }
 * }
 * }</pre>
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ExtendWith(InfrastructureExtension.class)
public @interface WithInfrastructure {}
