package io.softcifar.results.rest;

import io.softcifar.results.service.StudyValidationException;
import io.softcifar.results.service.ViewNotReadyException;
import io.softcifar.service.events.EventPublisher;
import io.softcifar.service.rest.ApiError;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Every error as JSON naming the field: an invalid study (400, one problem per field), a conflicting id (409), Kafka
 * not taking an event (503). A body that is not JSON, or has a misspelt field or a wrong type, is service-common's
 * {@code JsonInputExceptionMapper} (400).
 */
public class ErrorMappers {

    @ServerExceptionMapper
    public Response invalidStudy(StudyValidationException e) {
        List<ApiError.Problem> problems = e.errors().stream()
                .map(f -> new ApiError.Problem(f.field(), f.message()))
                .toList();
        return new ApiError(e.status(), e.status() == 409 ? "study id taken" : "invalid study", problems).response();
    }

    /** Kafka did not take an event: nothing the caller did wrong, and worth retrying. */
    @ServerExceptionMapper
    public Response kafkaDown(EventPublisher.EventPublishException e) {
        return ApiError.of(503, e.getMessage()).response();
    }

    @ServerExceptionMapper
    public Response notReady(ViewNotReadyException e) {
        return ApiError.of(503, e.getMessage()).response();
    }
}
