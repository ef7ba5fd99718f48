#include "staffchain/gen/generate_world.hpp"

#include "world.hpp"

namespace staffchain::gen {

Result<GenerateStats> generateWorld(const WorldSpec& spec) {
  if (auto valid = validateWorldSpec(spec); !valid) return valid.error();
  detail::World world(spec);
  detail::buildUnits(world);
  detail::planInjections(world);
  detail::populate(world);
  detail::simulate(world);
  detail::injectScripted(world);
  detail::setReductionTasks(world);
  if (auto written = detail::writeWorld(world); !written) return written.error();
  world.stats.persons = world.people.size();
  return world.stats;
}

}  // namespace staffchain::gen
