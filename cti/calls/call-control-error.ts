/** A refused agent command; the message is shown to the agent as it is. */
export class CallControlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CallControlError';
  }
}
