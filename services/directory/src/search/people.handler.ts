import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { z } from 'zod';
import { DescribeUsers, Person } from '@herald/contracts';
import { SnapshotService } from '../snapshot/snapshot.service';

/** Contact details for follow-up lists (who has not answered an emergency), from the snapshot being served. */
@Controller()
export class PeopleHandler {
  constructor(private readonly snapshots: SnapshotService) {}

  @MessagePattern(DescribeUsers.key)
  describe(@Payload() req: z.infer<typeof DescribeUsers.request>): { users: Person[] } {
    return { users: this.snapshots.current().describe(req.userIds) };
  }
}
