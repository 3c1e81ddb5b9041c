import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow, CurrentPrincipal, type Page, type Principal } from '@lib/platform';
import { ControlledChemicalsService } from './controlled-chemicals.service.js';
import { ControlledSalePage, ControlledSaleQuery, type ControlledSaleView } from './controlled.dto.js';

@ApiTags('registry: licences')
@Controller('v1/controlled-sales')
export class ControlledSalesController {
  constructor(private readonly controlled: ControlledChemicalsService) {}

  @Get()
  @Allow('admin', 'agency:police', 'enterprise')
  @ApiOperation({
    summary: 'Sales of highly toxic chemicals and explosive precursors and the seller’s filing of each (销售备案)',
    description:
      'Decree 591 Art. 41: the seller files each sale with police within 5 days. `overdue=true` lists those past their due instant with no verified sale filing (each also published once as controlled.sale_unfiled). Police see every seller, an enterprise its own sales.',
  })
  @ApiOkResponse({ type: ControlledSalePage })
  list(@Query() q: ControlledSaleQuery, @CurrentPrincipal() p: Principal): Promise<Page<ControlledSaleView>> {
    return this.controlled.listSales(q, p);
  }
}
