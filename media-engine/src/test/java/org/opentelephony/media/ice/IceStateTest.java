package org.opentelephony.media.ice;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IceStateTest {
  /** Every legal transition; everything else must be refused. */
  private static final Map<IceState, Set<IceState>> LEGAL = Map.of(
      IceState.NEW, EnumSet.of(IceState.CHECKING, IceState.FAILED, IceState.CLOSED),
      IceState.CHECKING, EnumSet.of(IceState.CONNECTED, IceState.COMPLETED, IceState.FAILED,
          IceState.CLOSED),
      IceState.CONNECTED, EnumSet.of(IceState.COMPLETED, IceState.DISCONNECTED, IceState.FAILED,
          IceState.CHECKING, IceState.CLOSED),
      IceState.COMPLETED, EnumSet.of(IceState.DISCONNECTED, IceState.FAILED, IceState.CHECKING,
          IceState.CLOSED),
      IceState.DISCONNECTED, EnumSet.of(IceState.CONNECTED, IceState.COMPLETED, IceState.FAILED,
          IceState.CHECKING, IceState.CLOSED),
      IceState.FAILED, EnumSet.of(IceState.CHECKING, IceState.CLOSED),
      IceState.CLOSED, EnumSet.noneOf(IceState.class));

  @Test
  void transitionTable() {
    for (IceState from : IceState.values()) {
      for (IceState to : IceState.values()) {
        assertEquals(LEGAL.get(from).contains(to), from.canMoveTo(to), from + " -> " + to);
      }
    }
  }
}
