// A tiny event emitter (on/off/once/emit); a handler that throws does not stop the others.
export class Emitter {
  constructor() {
    this._handlers = new Map();
  }

  /** Adds a handler; returns a function that removes it. `'*'` receives (name, data). */
  on(event, handler) {
    if (typeof handler !== 'function') throw new TypeError('handler must be a function');
    if (!this._handlers.has(event)) this._handlers.set(event, new Set());
    this._handlers.get(event).add(handler);
    return () => this.off(event, handler);
  }

  off(event, handler) {
    this._handlers.get(event)?.delete(handler);
  }

  once(event, handler) {
    const off = this.on(event, (data) => {
      off();
      handler(data);
    });
    return off;
  }

  emit(event, data) {
    for (const h of [...(this._handlers.get(event) || [])]) {
      try {
        h(data);
      } catch (e) {
        console.error(`opentelephony: ${event} handler failed`, e);
      }
    }
    for (const h of [...(this._handlers.get('*') || [])]) {
      try {
        h(event, data);
      } catch (e) {
        console.error('opentelephony: * handler failed', e);
      }
    }
  }
}
