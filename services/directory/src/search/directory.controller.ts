import { Controller, Get, Query } from '@nestjs/common';
import { CurrentPrincipal, Principal } from '@herald/auth';
import { ZodPipe } from '@herald/runtime';
import { SearchQuery } from '../audiences/audience.dto';
import { SavedAudiencesService } from '../audiences/saved-audiences.service';

@Controller('api/directory')
export class DirectoryController {
  constructor(private readonly audiences: SavedAudiencesService) {}

  /** The audience picker: users, groups and OUs whose name, account or mail starts with `q`. */
  @Get('search')
  search(@CurrentPrincipal() p: Principal, @Query(new ZodPipe(SearchQuery, 'query')) q: SearchQuery) {
    return this.audiences.search(p, q.q, q.limit);
  }

  @Get('status')
  status(@CurrentPrincipal() p: Principal) {
    return this.audiences.status(p);
  }
}
