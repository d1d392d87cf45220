package org.postgresml.operator.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.io.IOException;
import java.util.stream.Collectors;
import org.postgresml.operator.api.spec.PgmlProxySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a PgmlProxy's spec without ever failing the read of the whole object: a spec the model
 * cannot hold (an integer above int32 that an older CRD without maximums admitted, a value of the
 * wrong type) becomes a spec marked unreadable, which the reconciler reports and leaves alone.
 * Otherwise one such object breaks the informer's list, and with it the operator for every
 * namespace. The mark names the field, never a value; the reconciler logs it with the object's name.
 */
public final class UnreadableSpec extends StdDeserializer<PgmlProxySpec> {

  private static final Logger LOG = LoggerFactory.getLogger(UnreadableSpec.class);

  public UnreadableSpec() {
    super(PgmlProxySpec.class);
  }

  @Override
  public PgmlProxySpec deserialize(JsonParser parser, DeserializationContext context) throws IOException {
    JsonNode tree = context.readTree(parser);
    try {
      return context.readTreeAsValue(tree, PgmlProxySpec.class);
    } catch (UnrecognizedPropertyException e) {
      // Only a strict reader fails on an unknown field (the API server prunes them): its caller asked for that.
      throw e;
    } catch (JsonMappingException e) {
      String field = "spec" + e.getPath().stream()
          .map(reference -> reference.getFieldName() != null ? "." + reference.getFieldName()
              : "[" + reference.getIndex() + "]")
          .collect(Collectors.joining());
      String problem = field + " cannot be read (a number out of range, or a value of the wrong type)";
      LOG.debug("a PgmlProxy spec was not read: {}", problem);
      PgmlProxySpec spec = new PgmlProxySpec();
      spec.unreadable = problem;
      return spec;
    }
  }
}
