import { Body, Controller, HttpCode, Ip, Post } from '@nestjs/common';
import { Public } from '@herald/auth';
import { ZodPipe } from '@herald/runtime';
import { AuthService, LoginResult } from './auth.service';
import { LoginRequest, RefreshRequest } from './login.dto';

@Controller('api/auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  login(@Body(new ZodPipe(LoginRequest)) body: LoginRequest, @Ip() ip: string): Promise<LoginResult> {
    return this.auth.login(body, ip);
  }

  @Public()
  @Post('refresh')
  @HttpCode(200)
  refresh(@Body(new ZodPipe(RefreshRequest)) body: RefreshRequest, @Ip() ip: string): Promise<LoginResult> {
    return this.auth.refresh(body, ip);
  }

  @Public()
  @Post('logout')
  @HttpCode(204)
  logout(@Body(new ZodPipe(RefreshRequest)) body: RefreshRequest, @Ip() ip: string): Promise<void> {
    return this.auth.logout(body, ip);
  }
}
