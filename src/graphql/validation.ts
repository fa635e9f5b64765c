import { z } from 'zod';

// Input rules checked at the API edge (Pothos validation plugin); a failure is BAD_USER_INPUT
// naming the field. Services check again what they must (they are called by workers too).
export const groupNameSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(120, 'must be at most 120 characters')
  .refine((name) => name !== '*', 'is reserved ("*" means every group in a token)');
export const descriptionSchema = z.string().max(2000, 'must be at most 2000 characters').nullish();
export const rankSchema = z.number().int().min(1, 'must be 1 or more (1 is the highest)').nullish();
export const hostnameSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(255, 'must be at most 255 characters')
  .regex(/^[^\s\p{Cc}]+$/u, 'must not contain spaces or control characters');
export const tagsSchema = z
  .array(z.string().trim().min(1).max(100))
  .max(50, 'at most 50 tags')
  .nullish();
