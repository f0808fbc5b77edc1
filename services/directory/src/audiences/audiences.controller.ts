import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { CurrentPrincipal, Principal } from '@herald/auth';
import { ZodPipe } from '@herald/runtime';
import { AudienceIdParam, CreateAudienceRequest, PreviewRequest } from './audience.dto';
import { SavedAudiencesService } from './saved-audiences.service';

@Controller('api/audiences')
export class AudiencesController {
  constructor(private readonly audiences: SavedAudiencesService) {}

  @Post()
  create(@CurrentPrincipal() p: Principal, @Body(new ZodPipe(CreateAudienceRequest)) body: CreateAudienceRequest) {
    return this.audiences.create(p, body);
  }

  @Get()
  list(@CurrentPrincipal() p: Principal) {
    return this.audiences.list(p);
  }

  @Post('preview')
  @HttpCode(200)
  preview(@CurrentPrincipal() p: Principal, @Body(new ZodPipe(PreviewRequest)) body: PreviewRequest) {
    return this.audiences.preview(p, body);
  }

  @Get(':id')
  get(@CurrentPrincipal() p: Principal, @Param('id', new ZodPipe(AudienceIdParam, 'id')) id: string) {
    return this.audiences.get(p, id);
  }
}
