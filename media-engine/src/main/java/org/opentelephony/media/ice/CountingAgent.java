package org.opentelephony.media.ice;

import org.ice4j.attribute.MessageIntegrityAttribute;
import org.ice4j.ice.Agent;
import org.ice4j.stack.RawMessage;
import org.ice4j.stack.StunStack;

/**
 * An ice4j Agent whose STUN stack counts requests with a bad MESSAGE-INTEGRITY. ice4j answers
 * those with 401 and offers no hook; its Agent builds the stack from its own constructor through
 * {@link #getStunStack()}, so that method is the one place to substitute a counting stack.
 */
final class CountingAgent extends Agent {
  private CountingStack stack; // no initialiser: it is assigned during super()

  CountingAgent(IceCounters counters) {
    super(null, null);
    ((CountingStack) getStunStack()).counters = counters;
  }

  @Override
  public synchronized StunStack getStunStack() {
    if (stack == null) {
      stack = new CountingStack();
    }
    return stack;
  }

  private static final class CountingStack extends StunStack {
    volatile IceCounters counters;

    @Override
    public boolean validateMessageIntegrity(MessageIntegrityAttribute mi, String username,
        boolean shortTerm, RawMessage message) {
      boolean ok = super.validateMessageIntegrity(mi, username, shortTerm, message);
      IceCounters c = counters;
      if (!ok && c != null) {
        c.badIntegrity.increment();
      }
      return ok;
    }
  }
}
