// The asterisk-manager package ships no types. This describes the part of it that cti/ami/ uses;
// nothing outside that folder touches the package.
declare module 'asterisk-manager' {
  /** A parsed AMI message: keys lowercased, repeated keys as arrays, `Variable:` lines as an object. */
  export type RawAmiMessage = Record<string, string | string[] | Record<string, string> | undefined>;

  export interface Manager {
    options: { port: number; host: string; username: string; password: string; events: boolean };
    connect(port: number, host: string, callback?: (error: Error | null) => void): void;
    login(callback?: (error?: RawAmiMessage) => void): void;
    action(action: Record<string, string | number>, callback?: (error: RawAmiMessage | undefined, response: RawAmiMessage) => void): string;
    disconnect(callback?: () => void): void;
    isConnected(): boolean;
    on(event: 'managerevent', listener: (event: RawAmiMessage) => void): void;
    on(event: 'close' | 'end' | 'connect', listener: () => void): void;
    on(event: 'error', listener: (error: Error) => void): void;
    /** Every parsed message, before the package's own dispatch (which `cti/ami/ami-dispatch.ts` replaces). */
    on(event: 'rawevent', listener: (message: unknown) => void): void;
    emit(event: string, ...args: unknown[]): boolean;
    listeners(event: string): unknown[];
    removeAllListeners(event?: string): void;
  }

  function createManager(): Manager;
  export default createManager;
}
