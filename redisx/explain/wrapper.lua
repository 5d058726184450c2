local __lsx_v = (function(...)
--[[USER]]
end)(...)
local __lsx_n = 0
local function __lsx_d(v, depth)
  __lsx_n = __lsx_n + 1
  if __lsx_n > 20000 or depth > 64 then return {t='cut'} end
  local t = type(v)
  if t == 'number' then return {t='number', v=string.format('%.17g', v)} end
  if t == 'string' then return {t='string', n=#v} end
  if t == 'boolean' then return {t='boolean', v=v} end
  if t == 'nil' then return {t='nil'} end
  if t ~= 'table' then return {t=t} end
  local d = {t='table'}
  if type(rawget(v, 'err')) == 'string' then d.s = 'err' return d end
  if type(rawget(v, 'ok')) == 'string' then d.s = 'ok' return d end
  if type(rawget(v, 'double')) == 'number' then d.s = 'double' d.v = string.format('%.17g', rawget(v, 'double')) return d end
  if type(rawget(v, 'big_number')) == 'string' then d.s = 'big_number' return d end
  if type(rawget(v, 'map')) == 'table' then
    d.s = 'map' d.i = {}
    for k, x in pairs(rawget(v, 'map')) do
      if __lsx_n < 20000 then d.i[#d.i+1] = {__lsx_d(k, depth+1), __lsx_d(x, depth+1)} else d.c = (d.c or 0) + 1 end
    end
    return d
  end
  if type(rawget(v, 'set')) == 'table' then
    d.s = 'set' d.i = {}
    for k in pairs(rawget(v, 'set')) do
      if __lsx_n < 20000 then d.i[#d.i+1] = __lsx_d(k, depth+1) else d.c = (d.c or 0) + 1 end
    end
    return d
  end
  if type(rawget(v, 'verbatim_string')) == 'table' then d.s = 'verbatim' return d end
  d.s = 'array' d.i = {}
  local j = 1
  -- Past the budget, items are counted, not described: a description
  -- each would cost the server a table per element and the client a node.
  while rawget(v, j) ~= nil do
    if __lsx_n < 20000 then d.i[j] = __lsx_d(rawget(v, j), depth+1) else d.c = (d.c or 0) + 1 end
    j = j + 1
  end
  local lost, dropped, names = 0, 0, {}
  for k in pairs(v) do
    if type(k) == 'number' then
      if k >= j or k < 1 or k ~= math.floor(k) then lost = lost + 1 end
    else
      dropped = dropped + 1
      if #names < 8 then names[#names+1] = tostring(k) end
    end
  end
  d.lost, d.dropped, d.names = lost, dropped, names
  return d
end
return {cjson.encode(__lsx_d(__lsx_v, 0)), __lsx_v}
