/**
 * A runtime under test, as beamcheck sees it: something that answers protocol requests
 * (docs/driver-protocol.md). Implemented in-process by the simulator (SimDriver) and by a
 * subprocess speaking JSON lines (SubprocessDriver) for real OTP or any other runtime.
 */
import type { Json } from '../term/json.js';

/** A request without its id; the driver assigns ids. */
export type Command = { cmd: string } & Record<string, Json>;

export interface Response {
  readonly ok: boolean;
  readonly result?: Json;
  readonly events?: Json[];
  readonly error?: string;
  /** Any other fields the driver sent (hello's protocol, runtime, capabilities). */
  readonly [key: string]: Json | undefined;
}

export interface Hello {
  readonly protocol: number;
  readonly runtime: string;
  readonly capabilities: readonly string[];
}

export interface Driver {
  /** A short label for reports: `sim (otp25)`, `beam`, the command line. */
  readonly label: string;
  hello(): Promise<Hello>;
  request(command: Command): Promise<Response>;
  close(): Promise<void>;
}

/** A driver failed as a program (crashed, hung, printed garbage), not as a runtime. */
export class DriverError extends Error {
  constructor(
    message: string,
    /** The last lines the driver wrote to stderr, for the report. */
    readonly stderrTail: string = '',
  ) {
    super(message);
  }
}
