import { Body, Controller, Header, HttpCode, Ip, Post } from '@nestjs/common';
import { JoinRequestDto } from './dto/join-request.dto.js';
import { JoinService, type JoinResponse } from './join.service.js';

@Controller('api/join')
export class JoinController {
  constructor(private readonly joins: JoinService) {}

  @Post()
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  join(@Body() request: JoinRequestDto, @Ip() address: string): Promise<JoinResponse> {
    return this.joins.join(request, address);
  }
}
