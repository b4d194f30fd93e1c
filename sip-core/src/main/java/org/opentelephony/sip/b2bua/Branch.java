package org.opentelephony.sip.b2bua;

import javax.sip.ClientTransaction;
import javax.sip.Dialog;
import org.opentelephony.sip.registrar.Binding;

/**
 * One attempt to reach one registered device of the callee: the INVITE's client transaction and
 * dialog. Mutated only on the call's executor.
 */
final class Branch {
  /** Where the branch is in its INVITE transaction, from the B2BUA's point of view. */
  enum State { CALLING, PROCEEDING, ANSWERED, FAILED }

  final Binding target;
  ClientTransaction tx;
  Dialog dialog;
  State state = State.CALLING;
  int finalStatus;
  String finalReason;
  /** CANCEL wanted but no provisional response seen yet (RFC 3261 9.1: wait for one). */
  boolean cancelPending;
  boolean cancelSent;

  Branch(Binding target) {
    this.target = target;
  }

  boolean done() {
    return state == State.FAILED || state == State.ANSWERED;
  }
}
