package io.softcifar.results.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.softcifar.results.service.StudyValidationException;
import io.softcifar.results.service.ViewNotReadyException;
import io.softcifar.service.events.EventPublisher;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.stream.Collectors;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Every error as JSON naming the field: an invalid study (400, one problem per field), a conflicting id (409), a
 * body that is not JSON or has a misspelt field or a wrong type (400), Kafka not taking an event (503).
 */
public class ErrorMappers {

    @ServerExceptionMapper
    public Response invalidStudy(StudyValidationException e) {
        List<ApiError.Problem> problems = e.errors().stream()
                .map(f -> new ApiError.Problem(f.field(), f.message())).toList();
        return json(new ApiError(e.status(), e.status() == 409 ? "study id taken" : "invalid study", problems));
    }

    /** Declared for the subtype too: Quarkus REST has a built-in mapper for it that would answer with no body. */
    @ServerExceptionMapper
    public Response mismatchedInput(MismatchedInputException e) {
        return badJson(e);
    }

    @ServerExceptionMapper
    public Response badJson(JsonProcessingException e) {
        String field = e instanceof JsonMappingException m ? path(m) : "";
        String message;
        if (e instanceof UnrecognizedPropertyException u) {
            message = "unknown field '" + u.getPropertyName() + "'";
        } else if (e instanceof JsonMappingException) {
            message = e.getOriginalMessage().split("\n")[0];
        } else {
            message = "not valid JSON: " + e.getOriginalMessage().split("\n")[0];
        }
        return json(new ApiError(400, "invalid request body", List.of(new ApiError.Problem(field, message))));
    }

    /** Kafka did not take an event: nothing the caller did wrong, and worth retrying. */
    @ServerExceptionMapper
    public Response kafkaDown(EventPublisher.EventPublishException e) {
        return json(ApiError.of(503, e.getMessage()));
    }

    @ServerExceptionMapper
    public Response notReady(ViewNotReadyException e) {
        return json(ApiError.of(503, e.getMessage()));
    }

    static Response json(ApiError body) {
        return Response.status(body.status()).type(MediaType.APPLICATION_JSON).entity(body).build();
    }

    private static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining("."))
                .replace(".[", "[");
    }
}
