// The engine's error kinds. Each is raised before any state changes (MachineError,
// RequestError) or stops a run where 2.4.0 itself would BUG() (KernelBug).

/** A machine description that cannot be booted; `field` is a JSON path such as `e820[2][1]`. */
export class MachineError extends Error {
  constructor(readonly field: string, readonly reason: string) {
    super(`${field}: ${reason}`);
    this.name = 'MachineError';
  }
}

/** A request (alloc, free, expression) refused; nothing changed. */
export class RequestError extends Error {
  constructor(message: string, readonly what: string = 'request') {
    super(message);
    this.name = 'RequestError';
  }
}

/** A condition on which 2.4.0 calls BUG(): names the kernel file and function. */
export class KernelBug extends Error {
  /** What the kernel had printed before it hit BUG() (set when a boot dies). */
  log: string[] = [];
  constructor(readonly file: string, readonly func: string, readonly detail: string) {
    super(`kernel BUG at ${file}, in ${func}(): ${detail}`);
    this.name = 'KernelBug';
  }
}
