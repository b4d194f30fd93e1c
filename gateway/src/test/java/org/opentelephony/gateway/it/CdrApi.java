package org.opentelephony.gateway.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** The call records as an HTTP client sees them: {@code GET /api/cdrs}. */
final class CdrApi {
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).build();
  private static final ObjectMapper JSON = new ObjectMapper();

  private CdrApi() {
  }

  /** The {@code records} array of {@code GET /api/cdrs?QUERY} (query may be empty). */
  static List<JsonNode> get(ServerFixture server, String query) throws Exception {
    String url = "http://127.0.0.1:" + server.httpPort + "/api/cdrs"
        + (query == null || query.isEmpty() ? "" : "?" + query);
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url))
        .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new AssertionError("GET " + url + " -> " + r.statusCode() + " " + r.body());
    }
    JsonNode records = JSON.readTree(r.body()).get("records");
    if (records == null || !records.isArray()) {
      throw new AssertionError("GET " + url + ": no records array in " + r.body());
    }
    List<JsonNode> out = new ArrayList<>();
    records.forEach(out::add);
    return out;
  }

  /**
   * Polls {@code GET /api/cdrs?QUERY} until a record matches (records are written behind, a
   * little after the call ends), for at most 10 s.
   */
  static JsonNode await(ServerFixture server, String query, Predicate<JsonNode> match)
      throws Exception {
    long deadline = System.nanoTime() + 10_000_000_000L;
    List<JsonNode> last = List.of();
    while (System.nanoTime() < deadline) {
      last = get(server, query);
      for (JsonNode n : last) {
        if (match.test(n)) {
          return n;
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no matching record in /api/cdrs?" + query + ": " + last);
  }
}
