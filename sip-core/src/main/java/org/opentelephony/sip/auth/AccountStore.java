package org.opentelephony.sip.auth;

import java.util.Optional;

/** Where local accounts live. Lookups are on the SIP hot path and must not block on I/O. */
public interface AccountStore {
  Optional<Account> find(String user);

  /** Creates or replaces an account (durably, before returning). */
  void save(Account account);
}
