package io.softcifar.service.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.stream.Collectors;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * A request body that is not JSON, or has a misspelt field or a value of the wrong type: HTTP 400 naming the field,
 * in every service.
 */
public class JsonInputExceptionMapper {

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
            message = e.getOriginalMessage().split("\n", -1)[0];
        } else {
            message = "not valid JSON: " + e.getOriginalMessage().split("\n", -1)[0];
        }
        return new ApiError(400, "invalid request body", List.of(new ApiError.Problem(field, message))).response();
    }

    private static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining("."))
                .replace(".[", "[");
    }
}
