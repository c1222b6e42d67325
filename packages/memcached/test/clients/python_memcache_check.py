"""Runs every command of python-memcache (Debian python3-memcache) against a server.

Usage: python3 python_memcache_check.py PORT. Prints the number of checks and exits 0 when
all pass; an AssertionError names the first failed check.
"""
import sys

import memcache

port = int(sys.argv[1])
address = '127.0.0.1:%d' % port
mc = memcache.Client([address], cache_cas=True)
other = memcache.Client([address])
checks = 0


def check(condition, description):
    global checks
    if not condition:
        raise AssertionError(description)
    checks += 1


p = 'pymc_'
check(mc.set(p + 'a', 'hello'), 'set returns true')
check(mc.get(p + 'a') == 'hello', 'get returns the value')
check(mc.get(p + 'missing') is None, 'get of a missing key is None')

check(mc.set(p + 'n', 5), 'set an int')
check(mc.get(p + 'n') == 5, 'int round-trips with its flags')
check(mc.incr(p + 'n', 3) == 8, 'incr')
check(mc.decr(p + 'n', 10) == 0, 'decr stops at zero')
check(mc.incr(p + 'nothere') is None, 'incr of a missing key is None')

check(not mc.add(p + 'a', 'other'), 'add of an existing key fails')
check(mc.add(p + 'b', 'B'), 'add of a new key')
check(not mc.replace(p + 'missing', 'x'), 'replace of a missing key fails')
check(mc.replace(p + 'b', 'bee'), 'replace')
check(mc.append(p + 'b', '!'), 'append')
check(mc.prepend(p + 'b', '<'), 'prepend')
check(mc.get(p + 'b') == '<bee!', 'append and prepend result')

check(mc.gets(p + 'a') == 'hello', 'gets')
check(mc.cas(p + 'a', 'world'), 'cas with the current unique')
check(mc.get(p + 'a') == 'world', 'cas stored')
check(mc.gets(p + 'a') == 'world', 'gets again')
check(other.set(p + 'a', 'changed'), 'another client changes the key')
check(not mc.cas(p + 'a', 'lost'), 'cas with a stale unique fails')
mc.reset_cas()

check(mc.set_multi({p + 'm1': 'one', p + 'm2': 'two', p + 'm3': 3}) == [], 'set_multi')
check(mc.get_multi([p + 'm1', p + 'm2', p + 'm3', p + 'nope']) == {p + 'm1': 'one', p + 'm2': 'two', p + 'm3': 3}, 'get_multi')
check(mc.delete(p + 'm1'), 'delete')
check(mc.get(p + 'm1') is None, 'deleted key is gone')
check(mc.delete_multi([p + 'm2', p + 'm3']), 'delete_multi')
check(mc.get_multi([p + 'm2', p + 'm3']) == {}, 'delete_multi removed both')

check(mc.set(p + 'ttl', 'x', time=100), 'set with a relative exptime')
check(mc.get(p + 'ttl') == 'x', 'value with a future exptime is there')
check(mc.set(p + 'gone', 'x', time=-1), 'set with exptime -1 is stored')
check(mc.get(p + 'gone') is None, 'exptime -1 removes at once')
check(mc.touch(p + 'ttl', 200), 'touch')
check(not mc.touch(p + 'nothere', 200), 'touch of a missing key')

check(mc.set(p + 'big', 'z' * 500000), 'set of a 500 kB value')
check(mc.get(p + 'big') == 'z' * 500000, 'get of a 500 kB value')

stats = mc.get_stats()
check(len(stats) == 1, 'get_stats returns one server')
server_stats = stats[0][1]
check(server_stats['version'] == '1.4.39', 'stats version')
check(int(server_stats['curr_items']) >= 1, 'stats curr_items')

mc.flush_all()
check(mc.get(p + 'a') == 'changed', 'flush_all is rejected and deletes nothing')

# python-memcache 1.58 on Python 3 compares bytes with str in get_slabs and
# get_slab_stats and raises TypeError against any server, memcached 1.6.18 included.
for name in ('get_slabs', 'get_slab_stats'):
    try:
        getattr(mc, name)()
        check(False, name + ' was expected to raise TypeError')
    except TypeError:
        checks += 1
check(mc.get(p + 'b') == '<bee!', 'connection still works after the ERROR')

mc.disconnect_all()
check(mc.get(p + 'b') == '<bee!', 'reconnects after disconnect_all')
print('ok %d' % checks)
