import { Body, Controller, Get, Param, Post, Put } from '@nestjs/common';
import { CurrentPrincipal, Principal } from '@herald/auth';
import { ZodPipe } from '@herald/runtime';
import { TemplateIdParam, TemplateRequest } from './template.dto';
import { TemplatesService } from './templates.service';

@Controller('api/templates')
export class TemplatesController {
  constructor(private readonly templates: TemplatesService) {}

  @Post()
  create(@CurrentPrincipal() p: Principal, @Body(new ZodPipe(TemplateRequest)) body: TemplateRequest) {
    return this.templates.create(p, body);
  }

  @Get()
  list(@CurrentPrincipal() p: Principal) {
    return this.templates.list(p);
  }

  @Get(':id')
  get(@CurrentPrincipal() p: Principal, @Param('id', new ZodPipe(TemplateIdParam, 'id')) id: string) {
    return this.templates.get(p, id);
  }

  @Put(':id')
  update(@CurrentPrincipal() p: Principal, @Param('id', new ZodPipe(TemplateIdParam, 'id')) id: string, @Body(new ZodPipe(TemplateRequest)) body: TemplateRequest) {
    return this.templates.update(p, id, body);
  }
}
