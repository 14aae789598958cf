import { utf8 } from './utf8.js';

/*
 * The preset DEFLATE dictionary of lzdl+jwt version 1 (FORMAT.md §3.3). A credential payload is
 * about 600 bytes: too short for DEFLATE to learn its own repeats, so both sides start from text
 * that payloads share — the JSON skeleton, and words of Chinese addresses and authorities, which
 * cost 3 bytes a character in UTF-8. It takes the reference payload from about 490 to about 330
 * bytes. DEFLATE codes near matches more cheaply, so the commonest text stands last.
 *
 * This text is part of the format: changing one byte of it needs a new `typ`.
 */
const PLACES =
  '香港特别行政区澳门特别行政区台湾省新疆维吾尔自治区宁夏回族自治区西藏自治区广西壮族自治区内蒙古自治区' +
  '乌鲁木齐市银川市拉萨市南宁市呼和浩特市西宁市兰州市西安市昆明市贵阳市海口市长沙市武汉市郑州市青岛市' +
  '济南市南昌市厦门市福州市合肥市宁波市杭州市苏州市南京市哈尔滨市长春市大连市沈阳市太原市石家庄市' +
  '青海省甘肃省陕西省云南省贵州省四川省海南省湖南省湖北省河南省山东省江西省福建省安徽省浙江省江苏省' +
  '黑龙江省吉林省辽宁省山西省河北省重庆市天津市上海市北京市成都市深圳市东莞市佛山市广州市广东省';
const ADDRESS_WORDS =
  '经济技术开发区高新区开发区新区自治县自治州社区小区花园广场大厦公寓村组镇乡县街道大街大道中路东路西路南路北路单元栋幢楼室号区市';
const AUTHORITIES =
  '车辆管理所公安厅交通警察总队公安局交通警察大队公安局交通管理局公安局交通警察总队公安局交通警察支队';
const SKELETON =
  '{"iss":"https://","iat":17,"nbf":17,"exp":17,"jti":"","cnf":{"jwk":{"kty":"OKP","crv":"Ed25519","x":""}},' +
  '"status":{"status_list":{"idx":,"uri":"https://"}},"ph":"","dl":{"no":"","nm":"","sx":"M","na":"CHN","ad":"",' +
  '"bd":"19","fd":"20","cl":["C1"],"vf":"20","vt":"long-term","au":"","fn":"","st":"A","pt":0}}';

/** The dictionary's bytes (UTF-8). */
export const CLAIMS_DICTIONARY: Uint8Array = utf8(PLACES + ADDRESS_WORDS + AUTHORITIES + SKELETON);
