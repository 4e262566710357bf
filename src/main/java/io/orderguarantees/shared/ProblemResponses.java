package io.orderguarantees.shared;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.media.Content;
import org.eclipse.microprofile.openapi.models.media.Schema;

/**
 * Every 4xx and 5xx answer of the API is RFC 9457 problem JSON ({@link ProblemMappers}): the OpenAPI document says
 * so once, here, instead of on every {@code @APIResponse}.
 */
public class ProblemResponses implements OASFilter {

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        Schema text = OASFactory.createSchema().addType(Schema.SchemaType.STRING);
        Schema fieldError = OASFactory.createSchema().addType(Schema.SchemaType.OBJECT)
                .addProperty("field", text).addProperty("message", text);
        openAPI.getComponents().addSchema("Problem", OASFactory.createSchema().addType(Schema.SchemaType.OBJECT)
                .description("RFC 9457 problem details; errors[] names each offending field, line or element")
                .addProperty("type", text).addProperty("title", text)
                .addProperty("status", OASFactory.createSchema().addType(Schema.SchemaType.INTEGER))
                .addProperty("detail", text).addProperty("instance", text)
                .addProperty("errors", OASFactory.createSchema().addType(Schema.SchemaType.ARRAY).items(fieldError))
                .addProperty("results", OASFactory.createSchema().addType(Schema.SchemaType.ARRAY)
                        .description("/orders/lines: each line's own outcome, when some were published and some not")
                        .items(OASFactory.createSchema().addType(Schema.SchemaType.OBJECT))));
    }

    @Override
    public Operation filterOperation(Operation operation) {
        if (operation.getResponses() == null || operation.getResponses().getAPIResponses() == null) {
            return operation;
        }
        operation.getResponses().getAPIResponses().forEach((code, response) -> {
            if ((code.startsWith("4") || code.startsWith("5")) && response.getContent() == null) {
                Content problem = OASFactory.createContent().addMediaType(Problem.MEDIA_TYPE, OASFactory
                        .createMediaType().schema(OASFactory.createSchema().ref("#/components/schemas/Problem")));
                response.setContent(problem);
            }
        });
        return operation;
    }
}
