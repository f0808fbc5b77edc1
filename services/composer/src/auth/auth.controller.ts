import { Body, Controller, HttpCode, Ip, Post } from '@nestjs/common';
import { Public } from '@herald/auth';
import { ZodPipe } from '@herald/runtime';
import { AuthService, LoginResult } from './auth.service';
import { LoginRequest } from './login.dto';

@Controller('api/auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  login(@Body(new ZodPipe(LoginRequest)) body: LoginRequest, @Ip() ip: string): Promise<LoginResult> {
    return this.auth.login(body, ip);
  }
}
