package org.opentelephony.gateway.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.opentelephony.sip.auth.Account;
import org.opentelephony.sip.auth.AccountStore;

/** Config validation, tokens and the message table, without sockets. */
class ApiUnitTest {
  private static ApiConfig config(Map<String, Object> m) {
    return ApiConfig.from(ConfigFactory.parseMap(m).withFallback(ConfigFactory.defaultReference())
        .resolve());
  }

  @Test
  void reconnectWindowBelowTenSecondsIsRefused() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> config(Map.of("api.reconnect-window", "9s")));
    assertTrue(e.getMessage().contains("api.reconnect-window"));
    assertEquals(Duration.ofSeconds(30), config(Map.of()).reconnectWindow());
  }

  @Test
  void permissionsDefaultToEverything() {
    ApiConfig c = config(Map.of("accounts.permissions.carol.video", false));
    assertFalse(c.permissionsOf("carol").video());
    assertTrue(c.permissionsOf("alice").video());
    assertTrue(c.originAllowed(null));
    assertTrue(c.originAllowed("http://localhost:8080"));
    assertFalse(c.originAllowed("http://evil.example"));
  }

  @Test
  void tokensExpireAndCannotBeForged() {
    long[] now = {1_000_000};
    AccountStore accounts = new AccountStore() {
      final Account alice = Account.withPassword("alice", "localhost", "pw");

      @Override
      public Optional<Account> find(String user) {
        return "alice".equals(user) ? Optional.of(alice) : Optional.empty();
      }

      @Override
      public void save(Account a) {
      }
    };
    TokenService t = new TokenService(new byte[32], Duration.ofSeconds(60), accounts,
        "localhost", () -> now[0]);
    assertTrue(t.authenticate("alice", "pw").isPresent());
    assertTrue(t.authenticate("alice", "nope").isEmpty());
    String token = t.issue("alice");
    assertEquals("alice", t.check(token).user());
    assertTrue(t.check(token).ok());
    assertEquals(TokenService.Problem.INVALID, t.check(token + "x").problem());
    assertEquals(TokenService.Problem.INVALID, t.check("a.b").problem());
    now[0] += 60_000;
    assertEquals(TokenService.Problem.EXPIRED, t.check(token).problem());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "ping | {\"type\":\"ping\"} | ",
      "make ok | {\"type\":\"call.make\",\"callId\":\"c\",\"to\":\"bob\",\"sdp\":\"v=0\"} | ",
      "no type | {} | missing field: type",
      "unknown | {\"type\":\"x\"} | unknown message type: x",
      "missing sdp | {\"type\":\"call.answer\",\"callId\":\"c\"} | missing field: sdp",
      "bool as string | {\"type\":\"call.mute\",\"callId\":\"c\",\"kind\":\"audio\",\"muted\":\"yes\"} | invalid field: muted must be a boolean",
      "empty callId | {\"type\":\"call.end\",\"callId\":\"\"} | invalid field: callId is empty",
      "end of candidates | {\"type\":\"call.candidate\",\"callId\":\"c\",\"candidate\":\"\"} | ",
  })
  void messagesAreCheckedAgainstTheTable(String name, String json, String error)
      throws Exception {
    var msg = new ObjectMapper().readTree(json);
    if (error == null) {
      Protocol.validate(msg);
    } else {
      ApiError e = assertThrows(ApiError.class, () -> Protocol.validate(msg));
      assertEquals(400, e.code);
      assertEquals(error, e.getMessage());
    }
  }

  @Test
  void endReasonsFromSipStatus() {
    assertEquals(ApiEndReason.NO_ANSWER, ApiEndReason.fromStatus(480, "No Answer"));
    assertEquals(ApiEndReason.OFFLINE, ApiEndReason.fromStatus(480, "Temporarily Unavailable"));
    assertEquals(ApiEndReason.BUSY, ApiEndReason.fromStatus(486, "Busy Here"));
    assertEquals(ApiEndReason.REJECTED, ApiEndReason.fromStatus(603, "Decline"));
    assertEquals(ApiEndReason.NOT_FOUND, ApiEndReason.fromStatus(404, "Not Found"));
    assertEquals("no_answer", ApiEndReason.NO_ANSWER.wire());
  }
}
