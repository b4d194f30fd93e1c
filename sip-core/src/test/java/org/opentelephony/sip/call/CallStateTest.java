package org.opentelephony.sip.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.opentelephony.sip.cdr.CallRecord;
import org.opentelephony.sip.cdr.CallRecordRepository;

class CallStateTest {
  private static final Set<List<CallState>> LEGAL = Set.of(
      List.of(CallState.PENDING, CallState.RINGING),
      List.of(CallState.PENDING, CallState.CONNECTING),
      List.of(CallState.PENDING, CallState.ENDED),
      List.of(CallState.RINGING, CallState.CONNECTING),
      List.of(CallState.RINGING, CallState.ENDED),
      List.of(CallState.CONNECTING, CallState.TALKING),
      List.of(CallState.CONNECTING, CallState.ENDED),
      List.of(CallState.TALKING, CallState.ENDED));

  static Stream<Arguments> everyPair() {
    List<Arguments> out = new ArrayList<>();
    for (CallState from : CallState.values()) {
      for (CallState to : CallState.values()) {
        out.add(Arguments.of(from, to, LEGAL.contains(List.of(from, to))));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} -> {1} legal={2}")
  @MethodSource("everyPair")
  void transitionTable(CallState from, CallState to, boolean legal) {
    assertEquals(legal, from.canTransitionTo(to));
  }

  /** Records what the registry hands to storage and what listeners see. */
  static final class Recorder implements CallRecordRepository, CallListener {
    final List<CallRecord> saved = new ArrayList<>();
    final List<String> events = new ArrayList<>();

    @Override
    public void save(CallRecord r) {
      saved.add(r);
    }

    @Override
    public List<CallRecord> recent(String user, int limit) {
      return saved;
    }

    @Override
    public void callAdded(Call call) {
      events.add("added");
    }

    @Override
    public void callUpdated(Call call, CallState previous) {
      events.add(previous + "->" + call.state());
    }

    @Override
    public void callRemoved(Call call) {
      events.add("removed");
    }
  }

  @Test
  void answeredCallGoesThroughEveryStateAndIsRecordedOnce() {
    Recorder rec = new Recorder();
    long[] now = {1_000};
    CallRegistry registry = new CallRegistry(rec, () -> now[0]);
    registry.addListener(rec);
    Call call = registry.create("sip-call-id", "alice", "bob", true, false);
    call.transition(CallState.RINGING);
    now[0] = 2_000;
    call.transition(CallState.CONNECTING);
    call.transition(CallState.TALKING);
    now[0] = 7_500;
    call.end(EndReason.HANGUP_CALLEE, 200);
    call.end(EndReason.HANGUP_CALLER, 200); // idempotent: the first reason stays

    assertEquals(List.of("added", "PENDING->RINGING", "RINGING->CONNECTING",
        "CONNECTING->TALKING", "TALKING->ENDED", "removed"), rec.events);
    assertEquals(1, rec.saved.size());
    CallRecord r = rec.saved.get(0);
    assertEquals("HANGUP_CALLEE", r.endReason());
    assertEquals(2_000L, r.answeredAt());
    assertEquals(5_500, r.durationMs());
    assertEquals(0, registry.size());
  }

  @Test
  void unansweredCallHasNoAnswerTimeAndZeroDuration() {
    Recorder rec = new Recorder();
    CallRegistry registry = new CallRegistry(rec, () -> 5);
    Call call = registry.create("x", "alice", "bob", true, true);
    call.end(EndReason.NO_ANSWER, 480);
    CallRecord r = rec.saved.get(0);
    assertNull(r.answeredAt());
    assertEquals(0, r.durationMs());
    assertEquals(480, r.sipStatus());
  }

  @Test
  void illegalTransitionThrowsAndLeavesStateAlone() {
    CallRegistry registry = new CallRegistry(new Recorder(), () -> 0);
    Call call = registry.create("x", "alice", "bob", true, false);
    assertThrows(IllegalCallTransitionException.class, () -> call.transition(CallState.TALKING));
    assertEquals(CallState.PENDING, call.state());
    call.end(EndReason.CANCELED, 487);
    for (CallState s : EnumSet.allOf(CallState.class)) {
      assertThrows(IllegalCallTransitionException.class, () -> call.transition(s));
    }
  }

  @Test
  void calleeStatusesMapToReasons() {
    assertEquals(EndReason.REJECTED_BUSY, EndReason.fromCalleeStatus(486));
    assertEquals(EndReason.REJECTED_DECLINED, EndReason.fromCalleeStatus(603));
    assertEquals(EndReason.OFFLINE, EndReason.fromCalleeStatus(480));
    assertEquals(EndReason.NOT_FOUND, EndReason.fromCalleeStatus(404));
    assertEquals(EndReason.FAILED, EndReason.fromCalleeStatus(503));
    assertEquals(EndReason.REJECTED, EndReason.fromCalleeStatus(488));
  }
}
