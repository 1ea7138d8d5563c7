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
