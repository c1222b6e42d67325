"""Runs every command of pymemcache (Debian python3-pymemcache) against a server.

Usage: python3 pymemcache_check.py PORT. Prints the number of checks and exits 0 when all
pass; an AssertionError names the first failed check.
"""
import sys

from pymemcache.client.base import Client
from pymemcache.exceptions import MemcacheClientError, MemcacheIllegalInputError, MemcacheUnknownCommandError

port = int(sys.argv[1])
# noreply=False so that every reply, errors included, reaches the client.
client = Client(('127.0.0.1', port), default_noreply=False, connect_timeout=5, timeout=5)
checks = 0


def check(condition, description):
    global checks
    if not condition:
        raise AssertionError(description)
    checks += 1


def raises(error, function, *args, **kwargs):
    try:
        function(*args, **kwargs)
    except error:
        return True
    return False


p = b'pym_'
check(client.set(p + b'a', b'hello'), 'set')
check(client.get(p + b'a') == b'hello', 'get')
check(client.get(p + b'missing') is None, 'get of a missing key')
check(client.get(p + b'missing', default=b'd') == b'd', 'get with a default')

check(client.set(p + b'n', b'5'), 'set a number')
check(client.incr(p + b'n', 3) == 8, 'incr')
check(client.decr(p + b'n', 10) == 0, 'decr stops at zero')
check(client.incr(p + b'nothere', 1) is None, 'incr of a missing key')
check(client.set(p + b'wrap', b'18446744073709551615') and client.incr(p + b'wrap', 2) == 1, 'incr wraps at 2^64')
check(raises(MemcacheClientError, client.incr, p + b'a', 1), 'incr of a non-numeric value raises')

check(not client.add(p + b'a', b'x'), 'add of an existing key')
check(client.add(p + b'b', b'B'), 'add')
check(not client.replace(p + b'missing', b'x'), 'replace of a missing key')
check(client.replace(p + b'b', b'bee'), 'replace')
check(client.append(p + b'b', b'!'), 'append')
check(client.prepend(p + b'b', b'<'), 'prepend')
check(client.get(p + b'b') == b'<bee!', 'append and prepend result')

value, cas = client.gets(p + b'a')
check(value == b'hello' and cas is not None, 'gets')
check(client.cas(p + b'a', b'world', cas) is True, 'cas with the current unique')
check(client.cas(p + b'a', b'lost', cas) is False, 'cas with a stale unique')
check(client.cas(p + b'nothere', b'x', cas) is None, 'cas of a missing key')
check(client.gets(p + b'nothere') == (None, None), 'gets of a missing key')

check(client.set_many({p + b'm1': b'one', p + b'm2': b'two'}) == [], 'set_many')
check(client.get_many([p + b'm1', p + b'm2', p + b'nope']) == {p + b'm1': b'one', p + b'm2': b'two'}, 'get_many')
many = client.gets_many([p + b'm1', p + b'm2'])
check(set(many) == {p + b'm1', p + b'm2'} and many[p + b'm1'][0] == b'one', 'gets_many')
check(client.delete(p + b'm1'), 'delete')
check(not client.delete(p + b'm1'), 'delete of a missing key')
check(client.delete_many([p + b'm2']), 'delete_many')
check(client.get(p + b'm2') is None, 'delete_many removed the key')

check(client.set(p + b'ttl', b'x', expire=100), 'set with a relative expire')
check(client.get(p + b'ttl') == b'x', 'value with a future expire')
check(client.set(p + b'gone', b'x', expire=-1), 'set with expire -1')
check(client.get(p + b'gone') is None, 'expire -1 removes at once')
check(client.touch(p + b'ttl', 200), 'touch')
check(not client.touch(p + b'nothere', 200), 'touch of a missing key')

check(client.set(p + b'big', b'z' * 500000), 'set of a 500 kB value')
check(client.get(p + b'big') == b'z' * 500000, 'get of a 500 kB value')
check(raises(MemcacheIllegalInputError, client.set, b'k' * 251, b'x'), 'long keys are rejected by the client')

stats = client.stats()
check(stats[b'version'] == b'1.4.39', 'stats version')
check(stats[b'curr_items'] >= 1, 'stats curr_items')
check(isinstance(client.stats('settings'), dict), 'stats settings')
check(client.version() == b'1.4.39', 'version')

check(raises(MemcacheClientError, client.flush_all), 'flush_all is rejected')
check(client.get(p + b'a') == b'world', 'flush_all deleted nothing')
check(raises(MemcacheUnknownCommandError, client.cache_memlimit, 100), 'cache_memlimit is not a 1.4 command')
check(raises(MemcacheUnknownCommandError, client.shutdown), 'shutdown is not enabled')
check(client.get(p + b'b') == b'<bee!', 'connection still works after errors')

client.quit()
check(client.get(p + b'b') == b'<bee!', 'reconnects after quit')
client.close()
print('ok %d' % checks)
