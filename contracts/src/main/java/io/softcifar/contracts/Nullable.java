package io.softcifar.contracts;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a record component that may be absent. Every other component of an event payload is required: the
 * {@link io.softcifar.contracts.events.EventCodec} refuses to encode or decode a payload that lacks one, so a missing
 * field is reported at the edge ("payload: missing field runId") instead of as a null deep inside a service.
 *
 * <p>A field added to an existing event must be {@code @Nullable}: events written by older producers lack it.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.FIELD, ElementType.PARAMETER, ElementType.METHOD})
public @interface Nullable {}
