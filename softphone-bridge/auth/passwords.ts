/** Password hashing (argon2id). */
import { hash, hashSync, verify } from '@node-rs/argon2';

export const hashPassword = (password: string): Promise<string> => hash(password);

/** For seeding at start-up, before anything is served. */
export const hashPasswordSync = (password: string): string => hashSync(password);

export async function verifyPassword(storedHash: string | null, password: string): Promise<boolean> {
  if (!storedHash) return false;
  try {
    return await verify(storedHash, password);
  } catch {
    return false;
  }
}
