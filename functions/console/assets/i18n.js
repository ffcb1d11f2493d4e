// Messages in Chinese and English. Chinese comes first for browsers that
// prefer a zh* language; the choice is kept in localStorage.

const messages = {
  zh: {
    'app.title': 'logifn 物流', 'lang.switch': 'English', 'nav.track': '查件', 'nav.shipments': '运单',
    'nav.new': '寄件', 'nav.stations': '网点', 'nav.reports': '日报', 'nav.webhooks': 'Webhook',
    'nav.signin': '登录', 'nav.signout': '退出', 'nav.skip': '跳到正文',
    'track.heading': '查询运单', 'track.label': '运单号', 'track.placeholder': '例如 LF00000000019',
    'track.submit': '查询', 'track.tenant': '承运商编号', 'track.share': '分享链接',
    'track.invalid.format': '运单号应为 LF 加 11 位数字。', 'track.invalid.check': '运单号校验位不对，请检查是否输错。',
    'track.from': '始发', 'track.to': '目的', 'track.empty': '暂无轨迹。', 'track.photo': '有照片凭证',
    'track.service': '服务', 'timeline': '轨迹', 'loading': '加载中…',
    'signin.heading': '登录控制台', 'signin.token': '访问令牌（Bearer token）', 'signin.submit': '登录',
    'signin.demo': '本地演示：一键以某个角色登录', 'signin.bad': '这不是有效的令牌。', 'signin.expired': '令牌已过期，请重新登录。',
    'signin.as': '已登录：{who}',
    'role.customer': '客户', 'role.courier': '快递员', 'role.operator': '网点操作员', 'role.admin': '管理员',
    'list.heading': '运单列表', 'list.filter': '筛选', 'list.status': '状态', 'list.station': '网点', 'list.customer': '客户编号',
    'list.from': '创建起', 'list.to': '创建止', 'list.any': '全部', 'list.apply': '筛选', 'list.next': '下一页',
    'list.prev': '上一页', 'list.first': '第一页', 'list.none': '没有符合条件的运单。', 'list.created': '创建时间',
    'list.route': '线路', 'fee': '运费', 'waybill': '运单号',
    'detail.sender': '寄件人', 'detail.receiver': '收件人', 'detail.items': '物品', 'detail.item': '名称',
    'detail.qty': '数量', 'detail.weight': '重量', 'detail.value': '申报价值', 'detail.chargeable': '计费重量',
    'detail.service': '服务', 'detail.customer': '客户', 'detail.version': '版本', 'detail.images': '照片',
    'detail.noimages': '暂无照片。', 'detail.review': '待人工复核', 'detail.rejected': '已拒收',
    'detail.accepted': '已识别', 'detail.receipt': '确认收件', 'detail.receipt.done': '已确认收件。',
    'scan.heading': '记录扫描', 'scan.type': '扫描类型', 'scan.station': '网点', 'scan.reason': '异常原因',
    'scan.note': '备注', 'scan.submit': '记录', 'scan.moved': '已记录，状态已更新。', 'scan.late': '已记录为迟到的扫描，状态不变。',
    'scan.duplicate': '这次扫描已记录过，未重复计入。',
    'new.heading': '寄件', 'new.sender': '寄件人', 'new.receiver': '收件人', 'new.name': '姓名', 'new.phone': '电话',
    'new.province': '省', 'new.city': '市', 'new.district': '区', 'new.detail': '详细地址', 'new.origin': '始发网点',
    'new.destination': '目的网点', 'new.service': '服务', 'new.items': '物品', 'new.itemname': '名称', 'new.qty': '数量',
    'new.weight': '重量（克）', 'new.length': '长（毫米）', 'new.width': '宽（毫米）', 'new.height': '高（毫米）',
    'new.value': '申报价值（元）', 'new.additem': '添加物品', 'new.remove': '删除', 'new.customer': '客户编号',
    'new.submit': '提交寄件', 'new.quote': '报价', 'new.quote.none': '填好网点和物品后显示运费。',
    'new.quote.detail': '{zone}，计费重量 {weight}', 'new.created': '已创建运单 {waybill}。',
    'stations.heading': '网点', 'stations.code': '编号', 'stations.name': '名称', 'stations.kind': '类型',
    'stations.region': '区域', 'stations.tz': '时区', 'stations.parent': '上级', 'stations.address': '地址',
    'stations.put': '新增或修改网点', 'stations.save': '保存', 'stations.saved': '网点 {code} 已保存。', 'stations.edit': '编辑',
    'kind.hub': '枢纽', 'kind.transit_centre': '转运中心', 'kind.outlet': '网点',
    'report.heading': '网点日报', 'report.station': '网点', 'report.date': '日期', 'report.show': '查看',
    'report.created': '揽收前创建', 'report.picked': '揽收', 'report.delivered': '签收', 'report.ontime': '准时率',
    'report.avg': '平均揽派时长', 'report.exceptions': '未关闭异常', 'report.chart': '当日各状态运单数', 'report.hours': '{n} 小时',
    'webhooks.heading': 'Webhook 端点', 'webhooks.url': '地址', 'webhooks.types': '事件类型', 'webhooks.desc': '说明',
    'webhooks.add': '添加端点', 'webhooks.secret': '签名密钥（只显示这一次，请保存）：', 'webhooks.delete': '删除',
    'webhooks.rotate': '轮换密钥', 'webhooks.enable': '启用', 'webhooks.enabled': '启用中', 'webhooks.disabled': '已停用',
    'webhooks.failures': '连续失败', 'webhooks.none': '还没有端点。', 'webhooks.deleted': '已删除。', 'webhooks.confirm': '确定删除这个端点？',
    'status.created': '已下单', 'status.picked_up': '已揽收', 'status.in_transit': '运输中', 'status.out_for_delivery': '派送中',
    'status.delivered': '已送达', 'status.received': '已签收确认', 'status.delivery_failed': '投递失败', 'status.exception': '异常',
    'status.returning': '退回中', 'status.returned': '已退回', 'status.cancelled': '已取消',
    'scan.pickup': '揽收', 'scan.arrive': '到达', 'scan.depart': '发出', 'scan.out_for_delivery': '派送',
    'scan.delivery_attempt': '投递未成功', 'scan.deliver': '送达', 'scan.exception': '异常', 'scan.return': '退回',
    'scan.returned': '退回完成',
    'service.standard': '标准', 'service.express': '特快', 'zone.local': '同城', 'zone.regional': '区域内', 'zone.national': '全国',
    'image.label': '面单', 'image.proof_of_delivery': '签收凭证', 'image.damage': '破损',
    'reason.no_barcode': '没有识别到条码', 'reason.no_waybill': '条码里没有运单号', 'reason.invalid_check_digit': '条码中的运单号校验位不对',
    'reason.waybill_mismatch': '条码是另一个运单的', 'reason.unknown_waybill': '没有这个运单', 'reason.reader_failed': '条码识别失败',
    'reason.too_large': '文件太大', 'reason.not_an_image': '不是 JPEG 或 PNG 图片', 'reason.too_many_pixels': '像素太多',
    'reason.corrupt_image': '图片已损坏',
    'error.network': '无法连接服务器，请检查网络后重试。', 'error.generic': '操作失败：{message}', 'error.field': '{field}：{message}',
    'err.invalid_waybill': '运单号格式或校验位不对。', 'err.not_found': '没有找到。', 'err.missing_token': '请先登录。',
    'err.invalid_token': '登录已失效，请重新登录。', 'err.forbidden': '你的角色不能执行这个操作。',
    'err.wrong_station': '只能在你所属的网点记录扫描。', 'err.illegal_transition': '运单当前状态不允许这个操作。',
    'err.illegal_transition.now': '运单当前状态为「{status}」，不允许这个操作。',
    'err.transition_forbidden': '你的角色不能把运单改到这个状态。', 'err.concurrent_update': '运单刚被别人修改，请刷新后重试。',
    'err.version_mismatch': '运单已变化，请刷新后重试。', 'err.validation_failed': '有内容没填对，请检查。',
    'err.invalid_query': '筛选条件不对。', 'err.malformed_json': '请求格式不对。', 'err.rate_limited': '请求太频繁，请稍后再试。',
    'err.database_unavailable': '服务暂时不可用，请稍后再试。', 'err.internal': '服务器出错了，请稍后再试。',
    'err.no_rate_card': '这条线路还没有价目表。', 'err.unknown_station': '网点不存在。', 'err.tenant_required': '请填写承运商编号。',
    'err.too_many_webhooks': '端点数量已达上限。', 'err.idempotency_key_reused': '重复提交的内容不一致。',
    'err.fee_currency_mismatch': '币种与价目表不一致。', 'err.route_not_found': '没有这个接口。',
  },
  en: {
    'app.title': 'logifn logistics', 'lang.switch': '中文', 'nav.track': 'Track', 'nav.shipments': 'Shipments',
    'nav.new': 'Send', 'nav.stations': 'Stations', 'nav.reports': 'Reports', 'nav.webhooks': 'Webhooks',
    'nav.signin': 'Sign in', 'nav.signout': 'Sign out', 'nav.skip': 'Skip to content',
    'track.heading': 'Track a shipment', 'track.label': 'Waybill number', 'track.placeholder': 'e.g. LF00000000019',
    'track.submit': 'Track', 'track.tenant': 'Carrier id', 'track.share': 'Link to share',
    'track.invalid.format': 'A waybill number is LF followed by 11 digits.',
    'track.invalid.check': 'The check digit does not match: please look for a typing error.',
    'track.from': 'From', 'track.to': 'To', 'track.empty': 'No events yet.', 'track.photo': 'photo evidence',
    'track.service': 'Service', 'timeline': 'Timeline', 'loading': 'Loading…',
    'signin.heading': 'Sign in to the console', 'signin.token': 'Access token (bearer token)', 'signin.submit': 'Sign in',
    'signin.demo': 'Local demo: sign in as a role in one click', 'signin.bad': 'That is not a valid token.',
    'signin.expired': 'The token has expired; please sign in again.', 'signin.as': 'Signed in: {who}',
    'role.customer': 'Customer', 'role.courier': 'Courier', 'role.operator': 'Station operator', 'role.admin': 'Admin',
    'list.heading': 'Shipments', 'list.filter': 'Filters', 'list.status': 'Status', 'list.station': 'Station',
    'list.customer': 'Customer id', 'list.from': 'Created from', 'list.to': 'Created to', 'list.any': 'Any',
    'list.apply': 'Apply', 'list.next': 'Next page', 'list.prev': 'Previous page', 'list.first': 'First page',
    'list.none': 'No shipments match.', 'list.created': 'Created', 'list.route': 'Route', 'fee': 'Fee', 'waybill': 'Waybill',
    'detail.sender': 'Sender', 'detail.receiver': 'Receiver', 'detail.items': 'Items', 'detail.item': 'Name',
    'detail.qty': 'Qty', 'detail.weight': 'Weight', 'detail.value': 'Declared value', 'detail.chargeable': 'Chargeable weight',
    'detail.service': 'Service', 'detail.customer': 'Customer', 'detail.version': 'Version', 'detail.images': 'Photos',
    'detail.noimages': 'No photos yet.', 'detail.review': 'needs review', 'detail.rejected': 'rejected',
    'detail.accepted': 'recognised', 'detail.receipt': 'Confirm receipt', 'detail.receipt.done': 'Receipt confirmed.',
    'scan.heading': 'Record a scan', 'scan.type': 'Scan type', 'scan.station': 'Station', 'scan.reason': 'Incident reason',
    'scan.note': 'Note', 'scan.submit': 'Record', 'scan.moved': 'Recorded; the status moved.',
    'scan.late': 'Recorded as a late scan; the status stays.', 'scan.duplicate': 'That scan was recorded already; it counts once.',
    'new.heading': 'Send a parcel', 'new.sender': 'Sender', 'new.receiver': 'Receiver', 'new.name': 'Name', 'new.phone': 'Phone',
    'new.province': 'Province', 'new.city': 'City', 'new.district': 'District', 'new.detail': 'Street address',
    'new.origin': 'Origin station', 'new.destination': 'Destination station', 'new.service': 'Service', 'new.items': 'Items',
    'new.itemname': 'Name', 'new.qty': 'Quantity', 'new.weight': 'Weight (g)', 'new.length': 'Length (mm)',
    'new.width': 'Width (mm)', 'new.height': 'Height (mm)', 'new.value': 'Declared value (CNY)', 'new.additem': 'Add an item',
    'new.remove': 'Remove', 'new.customer': 'Customer id', 'new.submit': 'Create shipment', 'new.quote': 'Quote',
    'new.quote.none': 'The fee shows once the stations and items are filled in.',
    'new.quote.detail': '{zone}, chargeable weight {weight}', 'new.created': 'Shipment {waybill} created.',
    'stations.heading': 'Stations', 'stations.code': 'Code', 'stations.name': 'Name', 'stations.kind': 'Kind',
    'stations.region': 'Region', 'stations.tz': 'Time zone', 'stations.parent': 'Parent', 'stations.address': 'Address',
    'stations.put': 'Add or change a station', 'stations.save': 'Save', 'stations.saved': 'Station {code} saved.', 'stations.edit': 'Edit',
    'kind.hub': 'Hub', 'kind.transit_centre': 'Transit centre', 'kind.outlet': 'Outlet',
    'report.heading': 'Daily station report', 'report.station': 'Station', 'report.date': 'Date', 'report.show': 'Show',
    'report.created': 'Created', 'report.picked': 'Picked up', 'report.delivered': 'Delivered', 'report.ontime': 'On time',
    'report.avg': 'Pickup to delivery', 'report.exceptions': 'Open exceptions', 'report.chart': 'Shipments by status at day end',
    'report.hours': '{n} h',
    'webhooks.heading': 'Webhook endpoints', 'webhooks.url': 'URL', 'webhooks.types': 'Event types', 'webhooks.desc': 'Description',
    'webhooks.add': 'Add endpoint', 'webhooks.secret': 'Signing secret (shown this once; keep it):', 'webhooks.delete': 'Delete',
    'webhooks.rotate': 'Rotate secret', 'webhooks.enable': 'Enable', 'webhooks.enabled': 'enabled', 'webhooks.disabled': 'disabled',
    'webhooks.failures': 'failures in a row', 'webhooks.none': 'No endpoints yet.', 'webhooks.deleted': 'Deleted.',
    'webhooks.confirm': 'Delete this endpoint?',
    'status.created': 'Created', 'status.picked_up': 'Picked up', 'status.in_transit': 'In transit',
    'status.out_for_delivery': 'Out for delivery', 'status.delivered': 'Delivered', 'status.received': 'Received',
    'status.delivery_failed': 'Delivery failed', 'status.exception': 'Exception', 'status.returning': 'Returning',
    'status.returned': 'Returned', 'status.cancelled': 'Cancelled',
    'scan.pickup': 'Pickup', 'scan.arrive': 'Arrived', 'scan.depart': 'Departed', 'scan.out_for_delivery': 'Out for delivery',
    'scan.delivery_attempt': 'Delivery attempt', 'scan.deliver': 'Delivered', 'scan.exception': 'Exception',
    'scan.return': 'Return', 'scan.returned': 'Returned',
    'service.standard': 'Standard', 'service.express': 'Express', 'zone.local': 'Local', 'zone.regional': 'Regional',
    'zone.national': 'National', 'image.label': 'Label', 'image.proof_of_delivery': 'Proof of delivery', 'image.damage': 'Damage',
    'reason.no_barcode': 'no barcode found', 'reason.no_waybill': 'no waybill number in the barcodes',
    'reason.invalid_check_digit': 'the barcode\'s number has a wrong check digit', 'reason.waybill_mismatch': 'the barcode names another waybill',
    'reason.unknown_waybill': 'no such shipment', 'reason.reader_failed': 'the barcode could not be read', 'reason.too_large': 'file too large',
    'reason.not_an_image': 'not a JPEG or PNG', 'reason.too_many_pixels': 'too many pixels', 'reason.corrupt_image': 'damaged image',
    'error.network': 'Cannot reach the server; check the connection and try again.', 'error.generic': 'That did not work: {message}',
    'error.field': '{field}: {message}',
    'err.invalid_waybill': 'The waybill number is malformed or its check digit is wrong.', 'err.not_found': 'Not found.',
    'err.missing_token': 'Please sign in first.', 'err.invalid_token': 'Your sign-in is no longer valid; please sign in again.',
    'err.forbidden': 'Your role may not do that.', 'err.wrong_station': 'You can record scans at your own station only.',
    'err.illegal_transition': 'The shipment\'s current status does not allow that.',
    'err.illegal_transition.now': 'The shipment is {status}: its status does not allow that.',
    'err.transition_forbidden': 'Your role may not move the shipment to that status.',
    'err.concurrent_update': 'Someone changed the shipment just now; reload and try again.',
    'err.version_mismatch': 'The shipment has changed; reload and try again.',
    'err.validation_failed': 'Some fields are not right; please check them.', 'err.invalid_query': 'The filters are not right.',
    'err.malformed_json': 'The request was malformed.', 'err.rate_limited': 'Too many requests; please wait a moment.',
    'err.database_unavailable': 'The service is briefly unavailable; please try again soon.',
    'err.internal': 'The server ran into a problem; please try again later.',
    'err.no_rate_card': 'There is no rate card for this route yet.', 'err.unknown_station': 'No such station.',
    'err.tenant_required': 'Please give the carrier id.', 'err.too_many_webhooks': 'The tenant has as many endpoints as allowed.',
    'err.idempotency_key_reused': 'A retry differed from the first request.',
    'err.fee_currency_mismatch': 'The currency is not the rate card\'s.', 'err.route_not_found': 'No such API route.',
  },
};

let current = pick();

function pick() {
  const saved = localStorage.getItem('logifn.lang');
  if (saved === 'zh' || saved === 'en') return saved;
  const langs = navigator.languages?.length ? navigator.languages : [navigator.language || 'en'];
  for (const l of langs) {
    if (/^zh\b/i.test(l)) return 'zh';
    if (/^en\b/i.test(l)) return 'en';
  }
  return 'en';
}

// lang returns the language in use: 'zh' or 'en'.
export const lang = () => current;

// setLang switches the language; a choice the user made is remembered.
export function setLang(l, remember = true) {
  current = l === 'zh' ? 'zh' : 'en';
  if (remember) localStorage.setItem('logifn.lang', current);
  document.documentElement.lang = current === 'zh' ? 'zh-CN' : 'en';
}

// has reports whether key has a message.
export const has = (key) => key in messages[current];

// t returns the message of key with {name} placeholders filled from vars.
export function t(key, vars = {}) {
  const m = messages[current][key] ?? messages.en[key] ?? key;
  return m.replace(/\{(\w+)\}/g, (_, k) => String(vars[k] ?? ''));
}

// errorText says in words what went wrong with an API call: the message
// for its code in the page's language, else the API's own message.
export function errorText(err) {
  if (!err || err.network) return t('error.network');
  const details = (err.details || []).filter((d) => d.field && d.message);
  if (err.code === 'illegal_transition') {
    // The API names the current status in a detail: say it in words.
    const now = details.map((d) => d.message.match(/current status is ([a-z_]+)/)).find(Boolean);
    if (now && has('status.' + now[1])) return t('err.illegal_transition.now', { status: t('status.' + now[1]) });
  }
  const key = 'err.' + err.code;
  let text = has(key) ? t(key) : (err.message ? t('error.generic', { message: err.message }) : t('err.internal'));
  // Field problems say which field is at fault; other details are for logs.
  if (['validation_failed', 'invalid_query', 'wrong_type', 'unknown_field'].includes(err.code) && details.length) {
    text += ' ' + details.map((d) => t('error.field', d)).join(current === 'zh' ? '；' : '; ');
  }
  return text;
}
