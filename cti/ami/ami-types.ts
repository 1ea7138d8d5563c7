/** AMI messages as the rest of the server sees them: names as Asterisk spells them, string fields. */
export interface AmiEvent {
  /** e.g. `Newchannel`, `DeviceStateChange`. */
  name: string;
  /** Field names lowercased (`uniqueid`, `channelstate`), values as strings. */
  fields: Readonly<Record<string, string>>;
}

export interface AmiResponse {
  response: string;
  message: string;
  fields: Readonly<Record<string, string>>;
}

export interface AmiSettings {
  host: string;
  port: number;
  username: string;
  secret: string;
  /**
   * Event classes to receive (AMI `Events` action). The server needs `system` (ContactStatus,
   * FullyBooted) and `call` (DeviceStateChange, channels outside Stasis); leaving out `dialplan`
   * (Newexten, VarSet), `cdr`, `dtmf` … spares both sides most of the traffic. Default `system,call`.
   */
  eventMask?: string;
}

export class AmiError extends Error {
  constructor(
    readonly kind: 'auth' | 'connection' | 'action' | 'timeout',
    message: string,
  ) {
    super(message);
    this.name = 'AmiError';
  }
}
