import { PipeTransform } from '@nestjs/common';
import { z } from 'zod';
import { parseOrThrow } from '@herald/contracts';

/** Validates a request part against a zod schema; failures become 400 naming the field. */
export class ZodPipe<T> implements PipeTransform<unknown, T> {
  constructor(private readonly schema: z.ZodType<T>, private readonly where = 'body') {}
  transform(value: unknown): T {
    return parseOrThrow(this.schema, value ?? {}, this.where);
  }
}
